"""sanshi (三事): residents' worries, annoyances and heartaches, handled by the women's federation."""
