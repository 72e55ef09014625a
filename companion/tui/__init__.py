"""The Textual face of companion. Imported only by commands that show a screen."""
