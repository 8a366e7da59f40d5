"""Learning records: lesson completions, quiz attempts, assignment submissions."""
