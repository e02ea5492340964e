"""Publishing: take a finished build and make a target (a local directory, S3 + CloudFront) serve it.

Publishers never render anything; they receive SourceBuild/SourceFailure outcomes from `builder.build`.
"""
from __future__ import annotations
