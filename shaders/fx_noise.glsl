// Value noise and fbm for the effects (fire, smoke) and the burnt material, pure
// functions of their inputs. Two sources: hashed lattice values (fx_noise) and
// a periodic table of the same kind of noise baked once (sandbox/view/noise.py; the
// stage binds it as u_fx_noise) read with one filtered lookup (fx_noise_texel,
// fx_fbm_table). On a software rasteriser the table costs a fraction of the hashing (four
// lattice values per octave) and the particles use it: they are many, small and moving.
// The burnt material hashes the coarsest octave of its patches (metres wide: a shot
// shows a few of them, and which ones is part of the look its shots were framed with)
// and reads the finer ones from the table.
float fx_hash21(vec2 p) {
    p = fract(p * vec2(123.34, 456.21));
    p += dot(p, p + 45.32);
    return fract(p.x * p.y);
}

float fx_noise(vec2 p) {
    vec2 i = floor(p), f = fract(p);
    vec2 u = f * f * (3.0 - 2.0 * f);
    float a = fx_hash21(i), b = fx_hash21(i + vec2(1.0, 0.0));
    float c = fx_hash21(i + vec2(0.0, 1.0)), d = fx_hash21(i + vec2(1.0, 1.0));
    return mix(mix(a, b, u.x), mix(c, d, u.x), u.y);
}

// From one octave's coordinates to the next's: twice the frequency, rotated and shifted
// so that the two lattices do not line up.
vec2 fx_next_octave(vec2 p) {
    return mat2(1.6, 1.2, -1.2, 1.6) * p + vec2(3.1, 1.7);
}

uniform sampler2D u_fx_noise;         // R value noise, G fbm of 3 octaves, B of 4
const float FX_NOISE_PERIOD = 32.0;   // noise units per repeat: sandbox/view/noise.py PERIOD

// The table's texel at noise coordinates p: value noise (r), fbm of 3 (g) and 4 (b) octaves.
vec4 fx_noise_texel(vec2 p) {
    return texture(u_fx_noise, p * (1.0 / FX_NOISE_PERIOD));
}

// Fbm of value noise (each octave twice the frequency and half the amplitude of the
// last), 0..1, for `oct` = 3 or 4 (a constant at every call, so the choice is made when
// the shader compiles).
float fx_fbm_table(vec2 p, int oct) {
    vec4 t = fx_noise_texel(p);
    return oct >= 4 ? t.b : t.g;
}

// Blackbody-like ramp for heat 0..1: dark red -> orange -> yellow-white (linear light).
vec3 fx_fire_color(float heat) {
    heat = clamp(heat, 0.0, 1.0);
    vec3 c = mix(vec3(0.25, 0.02, 0.0), vec3(1.0, 0.28, 0.03), smoothstep(0.0, 0.45, heat));
    c = mix(c, vec3(1.0, 0.72, 0.25), smoothstep(0.35, 0.75, heat));
    return mix(c, vec3(1.0, 0.96, 0.85), smoothstep(0.7, 1.0, heat));
}
