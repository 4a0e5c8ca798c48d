# setup.sh DIR SRC INCLUDE: copies the project of Inputs/project to DIR and
# writes its compile_commands.json (paths of DIR, coast.h from INCLUDE).
set -e
rm -rf "$1" && mkdir -p "$1"
cp "$2"/Inputs/project/*.c "$2"/Inputs/project/*.h "$1"/
sed "s|@DIR@|$1|g; s|@INC@|$3|g" "$2"/Inputs/project/compile_commands.json.in \
  >"$1"/compile_commands.json
