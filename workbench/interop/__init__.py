"""Exchange with other qualitative analysis tools through the REFI-QDA 1.0 standard.

``qdc`` reads and writes codebooks (``.qdc``), ``qdpx`` whole projects (``.qdpx``). Both write
strictly (every file is validated against the bundled XSDs before it leaves) and read leniently,
because the files real tools write often bend the standard. ``archive`` and ``xmlsafe`` treat
every incoming file as hostile.
"""
