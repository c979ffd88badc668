# ---- checks used by the verify step
