"""Team meetings for managers and policy makers (issue 17): cards by theme, questions by
subject, an agenda, honest answers to norm questions, and k-anonymous team insight."""
