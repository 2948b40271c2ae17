"""Result storage and report rendering: one module per output format."""
