export A_TOKEN="x\"y$z"
B_SECRET=1; export B_SECRET
set -gx C_TOKEN 'a\'b'
cat <<EOF
x
EOF
export M=1 N_TOKEN=2
