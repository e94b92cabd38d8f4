[stderr]
error: unknown mode 'sev' (expected 'launch-security' or 'iommu')
[exit status 2]
