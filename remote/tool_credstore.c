/*
 * tool_credstore.c - `vifs credstore add|remove|list|clear`: the vSphere
 * CLI credential store, with the commands, options and messages of
 * VMware's credstore_admin.pl (PROTOCOL.md §7).  There is no `get`: vifs
 * never prints a password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/credstore.h>
#include <vifs/error.h>

#include "conn.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

static const char credstore_usage[] =
    "usage: vifs credstore [-f|--credstore FILE] COMMAND\n"
    "\n"
    "COMMAND is one of:\n"
    "\n"
    "   add -s|--server SERVER -u|--username USER [-p|--password PASSWORD]\n"
    "      Add new entry into the credential store (without --password,\n"
    "      asks for it twice on the terminal).\n"
    "\n"
    "   remove -s|--server SERVER -u|--username USER\n"
    "      Remove existing entry from credential store.\n"
    "\n"
    "   list [-s|--server SERVER]\n"
    "      List existing entries.\n"
    "\n"
    "   clear\n"
    "      Delete all entries from credential store.\n"
    "\n"
    "   help\n"
    "      Display this menu.\n"
    "\n"
    "FILE defaults to $VI_CREDSTORE, else "
    "~/.vmware/credstore/vicredentials.xml.\n"
    "The file is shared with VMware's vSphere CLI tools.\n"
    "\n"
    "Exit status: 0 ok, 1 failed, 2 usage error.\n";

#define usage_error(...) tool_usagef("credstore", __VA_ARGS__)

struct cs_args {
	const char *file, *server, *username, *command;
	char *password; /* copy; the argument is wiped */
};

/* Takes the value of option ARGV[*I] ("-s V", "--server V",
 * "--server=V"); NULL when it has none. */
static const char *
value_of(int argc, char **argv, int *i, const char *eq)
{
	if (eq != NULL)
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int
parse(struct cs_args *a, int argc, char **argv)
{
	static const char *const commands[] = { "add", "remove", "list",
		"clear", "help" };

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *name, *eq = NULL, *v;
		char opt = 0;

		if (arg[0] == '-' && arg[1] != '\0') {
			name = arg + (arg[1] == '-' ? 2 : 1);
			eq = arg[1] == '-' ? strchr(name, '=') : NULL;
			size_t n = eq ? (size_t)(eq - name) : strlen(name);

			if ((n == 1 && *name == 'f') ||
			    (n == 9 && !strncmp(name, "credstore", 9)))
				opt = 'f';
			else if ((n == 1 && *name == 's') ||
			    (n == 6 && !strncmp(name, "server", 6)))
				opt = 's';
			else if ((n == 1 && *name == 'u') ||
			    (n == 8 && !strncmp(name, "username", 8)))
				opt = 'u';
			else if ((n == 1 && *name == 'p') ||
			    (n == 8 && !strncmp(name, "password", 8)))
				opt = 'p';
			else if ((n == 1 && *name == 'h') ||
			    (n == 4 && !strncmp(name, "help", 4)))
				opt = 'h';
			if (opt == 0)
				return usage_error("unknown option '%s'", arg);
			if (opt == 'h') {
				a->command = "help";
				continue;
			}
			if ((v = value_of(argc, argv, &i, eq)) == NULL)
				return usage_error("option '%s' needs a value",
				    arg);
			switch (opt) {
			case 'f':
				if (*v == '\0' || *v == '-')
					return usage_error("Credential store "
					                   "filename not "
					                   "specified.");
				a->file = v;
				break;
			case 's':
				if (*v == '\0' || *v == '-')
					return usage_error(
					    "Server not specified.");
				a->server = v;
				break;
			case 'u':
				if (*v == '\0' || *v == '-')
					return usage_error(
					    "Username not specified.");
				a->username = v;
				break;
			default:
				free(a->password);
				if ((a->password = strdup(v)) == NULL) {
					tool_errorf("out of memory");
					return TOOL_FAILED;
				}
				/* Out of the process list. */
				memset(argv[i] + (v - argv[i]), 0, strlen(v));
				break;
			}
			continue;
		}
		if (strcmp(arg, "get") == 0)
			return usage_error("there is no 'get': vifs never "
			                   "prints a password");
		for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]);
		     k++)
			if (strcmp(arg, commands[k]) == 0) {
				if (a->command != NULL &&
				    strcmp(a->command, "help") != 0)
					return usage_error("Multiple commands "
					                   "specified: "
					                   "%s, %s",
					    a->command, arg);
				a->command = commands[k];
				break;
			}
		if (a->command == NULL || strcmp(a->command, arg) != 0)
			return usage_error("Invalid option specified: %s", arg);
	}
	if (a->command == NULL)
		return usage_error("no command given");
	return TOOL_OK;
}

/* Reports a failure of the store as credstore_admin.pl does. */
static int
store_error(vifs_credstore *cs)
{
	int code = vifs_error_last_code();
	const char *file = vifs_credstore_path(cs);

	tool_liberror();
	if (code == VIFS_ENOTFOUND)
		fprintf(stderr, "ERROR: File not found: %s.\n", file);
	else if (code == VIFS_ETIMEOUT)
		fprintf(stderr, "ERROR: Operation failed.\n");
	else if (code == VIFS_EPARSE)
		fprintf(stderr, "ERROR: Failed to parse file: %s\n", file);
	return TOOL_FAILED;
}

/* Asks for a password twice on the terminal until both agree. */
static int
ask_password(char **out)
{
	/* A ^C at the prompt must not leave the terminal without echo. */
	progress_catch_signals();
	for (;;) {
		char *a = NULL, *b = NULL;
		int same;

		if (conn_prompt(&a, "Enter password: ", 0) < 0 ||
		    conn_prompt(&b, "Re-enter password: ", 0) < 0) {
			conn_secret_free(a);
			progress_reraise();
			tool_errorf("credstore: no --password given and no "
			            "terminal to ask for one");
			return -1;
		}
		same = strcmp(a, b) == 0;
		conn_secret_free(b);
		if (same) {
			*out = a;
			return 0;
		}
		conn_secret_free(a);
		fprintf(stderr,
		    "\nSorry, passwords do not match. Please "
		    "re-enter.\n");
	}
}

static int
need_pair(const struct cs_args *a)
{
	if (a->server == NULL)
		return usage_error("Server not specified.");
	if (a->username == NULL)
		return usage_error("User name not specified.");
	return TOOL_OK;
}

static int
cmd_list(vifs_credstore *cs, const char *server)
{
	char **hosts = NULL, *one[2] = { NULL, NULL };
	char **list;
	size_t n = 0;
	int rc = TOOL_OK;

	if (server == NULL) {
		if (vifs_credstore_list_hosts(&hosts, &n, cs) < 0)
			return store_error(cs);
		list = hosts;
	} else {
		if ((one[0] = strdup(server)) == NULL) {
			tool_errorf("out of memory");
			return TOOL_FAILED;
		}
		list = one;
	}
	printf("%-12s %-12s\n", "Server", "User Name");
	for (size_t i = 0; list[i] != NULL && rc == TOOL_OK; i++) {
		char **users = NULL;
		size_t m = 0;

		if (vifs_credstore_list_users(&users, &m, cs, list[i]) < 0) {
			rc = store_error(cs);
			break;
		}
		for (size_t k = 0; k < m; k++)
			printf("%-12s %-12s\n", list[i], users[k]);
		vifs_credstore_list_free(users);
	}
	vifs_credstore_list_free(hosts);
	free(one[0]);
	if (tool_write_stdout(NULL, 0) != 0)
		rc = TOOL_FAILED;
	return rc;
}

int
tool_credstore_main(int argc, char **argv)
{
	struct cs_args a;
	vifs_credstore *cs = NULL;
	int rc, flag = 0;

	memset(&a, 0, sizeof(a));
	if ((rc = parse(&a, argc, argv)) != TOOL_OK)
		goto done;
	if (strcmp(a.command, "help") == 0) {
		fputs(credstore_usage, stdout);
		goto done;
	}
	if (a.file == NULL && getenv("VI_CREDSTORE") != NULL &&
	    *getenv("VI_CREDSTORE") != '\0')
		a.file = getenv("VI_CREDSTORE");
	if (vifs_credstore_new(&cs, a.file) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if (strcmp(a.command, "add") == 0) {
		if ((rc = need_pair(&a)) != TOOL_OK)
			goto done;
		if (a.password == NULL && ask_password(&a.password) < 0) {
			rc = TOOL_FAILED;
			goto done;
		}
		if (vifs_credstore_add(cs, a.server, a.username, a.password,
		        &flag) < 0) {
			rc = store_error(cs);
			goto done;
		}
		puts(flag ? "Existing entry modified successfully." :
		            "New entry added successfully");
	} else if (strcmp(a.command, "remove") == 0) {
		if ((rc = need_pair(&a)) != TOOL_OK)
			goto done;
		if (vifs_credstore_remove(cs, a.server, a.username, &flag) <
		    0) {
			rc = store_error(cs);
			goto done;
		}
		puts(flag ? "Existing entry deleted successfully." :
		            "Entry not found.");
	} else if (strcmp(a.command, "clear") == 0) {
		if (vifs_credstore_clear(cs) < 0) {
			rc = store_error(cs);
			goto done;
		}
		/* sic: credstore_admin.pl's wording, kept for scripts. */
		puts("All entries have be removed successfully.");
	} else {
		rc = cmd_list(cs, a.server);
		goto done;
	}
	if (tool_write_stdout(NULL, 0) != 0)
		rc = TOOL_FAILED;
done:
	vifs_credstore_free(cs);
	conn_secret_free(a.password);
	return rc;
}
