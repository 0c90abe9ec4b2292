"""FHIR R4 renderings of a form: its Questionnaire, the FHIRPath it computes with, a QuestionnaireResponse."""
