"""distillation stage."""
