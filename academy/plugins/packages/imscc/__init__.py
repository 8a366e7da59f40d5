"""IMS Common Cartridge: export courses to other learning platforms, import theirs.

See docs/imscc.md for what maps to what.  The entry points are in
:mod:`academy.plugins.packages.imscc.service`.
"""
