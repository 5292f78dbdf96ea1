/* skua's entry point: option parsing and dispatch to the batch commands or the TUI. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	puts("skua");
	return 0;
}
