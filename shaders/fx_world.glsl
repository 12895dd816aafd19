// Effects in the world shader: point lights and the burnt material (needs fx_noise.glsl).
#define FX_MAX_LIGHTS 8
// light i: u_point_lights[2i] = (position m, radius m), [2i+1] = (linear colour x intensity, 0)
uniform vec4 u_point_lights[2 * FX_MAX_LIGHTS];
uniform float u_point_count;  // lights in use, 0..FX_MAX_LIGHTS
uniform float u_burnt;        // 0 intact .. 1 scorched (set per part by Stage.set_burnt)

// Unshadowed point lights, windowed inverse-square falloff (zero at the radius), a little
// wrap so the ground under a flash lights up even at grazing angles. With FX_LIGHTS
// defined the loop runs exactly that many times (a constant: unrolled, and no code at
// all for 0; unused slots hold black lights), else u_point_count times. The constant
// count is what the world shader uses: llvmpipe runs a loop with a uniform bound as a
// masked loop of FX_MAX_LIGHTS on every fragment.
vec3 fx_point_lights(vec3 p, vec3 n) {
    vec3 sum = vec3(0.0);
#ifdef FX_LIGHTS
    for (int i = 0; i < FX_LIGHTS; ++i) {
#else
    for (int i = 0; i < FX_MAX_LIGHTS; ++i) {
        if (float(i) >= u_point_count) break;
#endif
        vec4 a = u_point_lights[2 * i];
        vec3 l = a.xyz - p;
        float d = length(l);
        float x = clamp(d / a.w, 0.0, 1.0);
        float win = (1.0 - x * x) * (1.0 - x * x);
        float near = 0.08 * a.w;
        float att = win / (1.0 + d * d / (near * near));
        float ndl = max(dot(n, l / max(d, 1e-3)), 0.0) * 0.85 + 0.15;
        sum += u_point_lights[2 * i + 1].rgb * att * ndl;
    }
    return sum;
}

// 1 where a window pane (glass, model position p) is broken, in a seeded pattern that
// grows with u_burnt: each 4 x 4 x 3.6 m cell breaks at its own threshold.
float fx_broken_window(vec3 p) {
    vec3 cell = floor(p / vec3(4.0, 4.0, 3.6));
    float h = fract(sin(dot(cell, vec3(41.7, 19.3, 63.1))) * 24634.63);
    return step(h, u_burnt * 0.85);
}

// Scorched albedo at world position p: a patchy char that spreads with u_burnt, and on
// walls soot streaks running up from the top of each storey's windows (storeys 3.6 m,
// window heads about 2.7 m above each floor). The patches are four octaves of value
// noise (weights 1/2, 1/4, 1/8, 1/16 over their sum 15/16): the first hashed (it places
// them), the other three one lookup in the table's fbm of three octaves, which is
// normalised over 7/8, so 7/16 of it.
vec3 fx_burn(vec3 albedo, vec3 p, vec3 n, bool glass) {
    float h = p.x + p.y;                       // along the wall, whichever way it faces
    vec2 q = vec2(h, p.z) * 0.11;
    float patches = (0.5 * fx_noise(q) + 0.4375 * fx_fbm_table(fx_next_octave(q), 3)) / 0.9375;
    float scorch = u_burnt * (0.35 + 0.6 * smoothstep(0.3, 0.7, patches));
    float wall = 1.0 - smoothstep(0.35, 0.6, abs(n.z));
    float above = p.z - (floor(p.z / 3.6) * 3.6 + 2.6);
    float rise = above >= 0.0 ? exp(-above / 0.8) : 0.0;
    float streak = smoothstep(0.3, 0.6, fx_noise(vec2(h * 1.4, p.z * 0.12)));
    float soot = clamp(scorch + wall * rise * streak * u_burnt * 1.2, 0.0, 0.95);
    vec3 char_col = vec3(0.035, 0.03, 0.026);
    return mix(albedo * (glass ? 0.6 : 1.0), char_col, soot);
}
