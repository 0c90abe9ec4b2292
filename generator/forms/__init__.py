"""The MedExPRO documents: one definition each, rendered as a web form, a fillable PDF and a FHIR Questionnaire."""
