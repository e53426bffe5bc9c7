import os
DB_PASSWORD = os.environ["DB_PASSWORD"]
password = get_password()
api_key = "sJRNpFSNjJ4YzAluiRAL7IxV5iyXkasv"
token_url = "https://auth.example.com/token"
max_tokens = 4096
secret = "TODO"
client_secret = "your_client_secret"
auth_token = '****'
passwordField = "password"
token_type = "Bearer"
PUBLIC_KEY = "Yed0S3VAz5awmT0y3oSn0YBOI6SbuluuVZrsQbzV"
SECRET_KEY = "jur53PZVZeLSDVPxXzof9CoIfsY1H9HJDZgfSpbS"  # hush:allow
signing_key = "3c7ddaf5d9c7ec42f7472b9dd10089f529ca164b33aae137d3f006d79dc32eca"
