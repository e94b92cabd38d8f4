[stderr]
error: malformed.txt:4: Opening and ending tag mismatch: devices line 3 and domain
[exit status 2]
