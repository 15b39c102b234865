"""Publishing a term's release: a stored, versioned record that later changes cannot
rewrite (service.py), its JSON form (record.py) and the staff pages (views.py)."""
