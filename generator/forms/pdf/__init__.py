"""The forms' fillable PDFs."""
