// Particle kinds (sandbox/view/effects.py KINDS must agree).
#define FX_FIREBALL 0
#define FX_SMOKE 1
#define FX_FLAME 2
#define FX_SPARK 3
#define FX_DEBRIS 4
#define FX_SNOW 5
#define FX_RING 6
#define FX_GLOW 7
