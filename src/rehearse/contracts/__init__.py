"""What travels: job params and results, the job-kind table, interview, document and event
shapes, languages.
"""
