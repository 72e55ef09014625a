"""Services around the core: starting a session, the demo, the clipboard, private files,
rescue files, settings and where protocol files are found."""
