"""The pure core: the records, protocols, notes, recap and the words they share; no I/O."""
