"""First-party plugins.  Each subpackage exposes one ``plugin`` object."""
