# The HEALTHCHECK where the image has no node (nginx's): bash's /dev/tcp, the port and path as
# arguments ($1, $2); a 2xx status passes. Run as: bash -c <this> health <port> <path>
exec 3<>"/dev/tcp/127.0.0.1/$1" &&
printf "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n" "$2" >&3 &&
read -r _ code _ <&3 &&
[ "$code" -ge 200 ] &&
[ "$code" -lt 300 ]
