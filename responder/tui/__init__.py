"""The Textual monitoring screen, the only part of responder that imports Textual."""
