"""Guards for untrusted input shared by every reader: zip archives (sizes, names, bombs) and
XML (entities, depth, element counts), under the limits of ``workbench.limits``."""
