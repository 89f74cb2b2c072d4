/* Times the MLP of perf/ (784-256-256-10 + softmax) exported by `python -m perf.export_mlp`, with no Python:
 *   cc -O2 -I<dir> time_mlp.c <dir>/mlp.so -o time_mlp -Wl,-rpath,<dir> && ./time_mlp inputs.bin out.bin [calls]
 * inputs.bin holds x, w1, b1, w2, b2, w3, b3 as raw float32 arrays, one after the other (in C order).
 * Writes the output of the last call to out.bin and prints the best and the median seconds per call. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mlp.h"

static float x[MLP_X_SIZE], w1[MLP_W1_SIZE], b1[MLP_B1_SIZE], w2[MLP_W2_SIZE], b2[MLP_B2_SIZE],
    w3[MLP_W3_SIZE], b3[MLP_B3_SIZE], out0[MLP_OUT0_SIZE];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s inputs.bin out.bin [calls]\n", argv[0]);
        return 2;
    }
    int calls = argc > 3 ? atoi(argv[3]) : 2000;
    if (calls < 1) calls = 1;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    struct { float *data; size_t n; } inputs[] = {{x, MLP_X_SIZE}, {w1, MLP_W1_SIZE}, {b1, MLP_B1_SIZE},
        {w2, MLP_W2_SIZE}, {b2, MLP_B2_SIZE}, {w3, MLP_W3_SIZE}, {b3, MLP_B3_SIZE}};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        if (fread(inputs[i].data, sizeof(float), inputs[i].n, f) != inputs[i].n) {
            fprintf(stderr, "%s: too short\n", argv[1]);
            return 1;
        }
    }
    fclose(f);
    if (mlp(x, w1, b1, w2, b2, w3, b3, out0) != 0) {
        fprintf(stderr, "mlp() failed\n");
        return 1;
    }
    double *seconds = malloc(sizeof(double) * calls);
    for (int i = 0; i < calls; i++) {
        double start = now();
        mlp(x, w1, b1, w2, b2, w3, b3, out0);
        seconds[i] = now() - start;
    }
    f = fopen(argv[2], "wb");  /* the last call's output: the thread pool (if any) took part by then */
    if (!f || fwrite(out0, sizeof(float), MLP_OUT0_SIZE, f) != MLP_OUT0_SIZE) {
        perror(argv[2]);
        return 1;
    }
    fclose(f);
    qsort(seconds, calls, sizeof(double), compare);
    printf("%.9g %.9g\n", seconds[0], seconds[calls / 2]);
    free(seconds);
    return 0;
}
