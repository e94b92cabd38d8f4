[stderr]
error: --in-place and --output exclude each other
[exit status 2]
