"""Program: programs, progression rules and rosters -> many sessions."""
