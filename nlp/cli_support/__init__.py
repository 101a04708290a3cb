"""The command line's parts below ``cli.py``: help layout (:mod:`.layout`), stderr and progress
(:mod:`.console`), what every command shares (:mod:`.common`), the library calls a command makes
around its main call (:mod:`.prepare`), and the command groups ``cli.py`` registers
(:mod:`.read_commands`, :mod:`.compare_commands`, :mod:`.train_commands`)."""
