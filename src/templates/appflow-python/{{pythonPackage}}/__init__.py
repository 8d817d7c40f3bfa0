"""An Amazon AppFlow custom connector for the example CRM REST API.

Built on AWS's custom connector SDK for Python (custom_connector_sdk).

The Lambda handler is ``handler.lambda_handler`` in this package.
"""
