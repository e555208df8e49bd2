"""The Word form: context, content controls, the template check, compile and render, the docx zip."""
