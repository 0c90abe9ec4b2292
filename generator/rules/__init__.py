"""The rules the catalog states, as code: the units engine, the audit, prose figures, session-log elements, the claim builder."""
