/* statement-directives.c: included in the middle of a statement. */
#undef V
#define V 3
