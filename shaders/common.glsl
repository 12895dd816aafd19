// Shared lighting for world, horde and sky: hemisphere ambient, sun (or moon), fog,
// exposure + filmic curve + gamma. All colours linear; inputs from lighting.py.
uniform vec3 u_sun_dir;        // world space, unit, toward the sun/moon
uniform vec3 u_sun_color;      // linear, intensity folded in
uniform vec3 u_sky_ambient;    // linear, light from above
uniform vec3 u_ground_ambient; // linear, light bounced from below
uniform vec3 u_fog_color;      // linear
uniform float u_fog_density;   // per metre
uniform float u_exposure;

vec3 srgb_to_linear(vec3 c) { return pow(c, vec3(2.2)); }

vec3 hemisphere(vec3 n_world) {
    return mix(u_ground_ambient, u_sky_ambient, 0.5 + 0.5 * n_world.z);
}

vec3 apply_fog(vec3 c, float dist) {
    float f = exp(-u_fog_density * dist);
    return mix(u_fog_color, c, clamp(f, 0.0, 1.0));
}

vec3 tonemap(vec3 c) {
    c *= u_exposure;
    // ACES-like filmic fit (Narkowicz), then display gamma.
    c = clamp((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), 0.0, 1.0);
    return pow(c, vec3(1.0 / 2.2));
}
