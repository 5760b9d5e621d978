"""Reports: learners flag a question's problem; admins resolve them; enough open reports pause the question."""
