lint
v=DMARC1; p=reject; rua=mailto:d@example.com;;
