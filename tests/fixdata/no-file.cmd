[stderr]
error: no domain XML file given
[exit status 2]
