"""Reading articles: files, feeds and pages in; clean paragraphs out."""
