[stderr]
error: cannot open 'no-such-guest.xml': No such file or directory
[exit status 2]
