import os
DB_PASSWORD = os.environ["DB_PASSWORD"]
password = get_password()
api_key = "MPrPFdZs2b4ocetRpSo3w7CZnfRAy6mn"
token_url = "https://auth.example.com/token"
max_tokens = 4096
secret = "TODO"
client_secret = "your_client_secret"
auth_token = '****'
passwordField = "password"
token_type = "Bearer"
PUBLIC_KEY = "9ViIGX80ZMYxLU4j7Ea9YlL2rEpYMEo5UPYXxwUl"
SECRET_KEY = "J9TrOJvSQEkN2KJuubiB9hywmWLj8MLKzaMlzJKk"  # hush:allow
signing_key = "06eb7b17c571591a8280a99594acad627fdebb55c91968018188f56e7554ffaa"
