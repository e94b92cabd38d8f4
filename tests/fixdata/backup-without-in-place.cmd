[stderr]
error: --backup needs --in-place and a non-empty suffix
[exit status 2]
