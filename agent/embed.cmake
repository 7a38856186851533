# embed.cmake - writes the file IN as a C array NAME into OUT, so that the
# program carries the inventory schema it prints.  Run with
# cmake -DIN=... -DOUT=... -DNAME=... -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# One line of the array for each line of the file.
string(REPLACE "0x0a," "0x0a,\n\t" bytes "${bytes}")
file(WRITE "${OUT}" "/* Generated from ${NAME_SOURCE} by embed.cmake. */\n"
    "#include \"cmd.h\"\n\n"
    "const unsigned char ${NAME}[] = {\n\t${bytes}\n};\n"
    "const size_t ${NAME}_len = ${len};\n")
