// twin layer: see include/labtwin/twin/
