// The sun's two shadow maps (sandbox/view/stage.py): [0] what stands still (world parts,
// trees), drawn again only when the sun moves; [1] the moving casters (the cast and
// their machines), fitted around them each frame. A map coordinate (x, y, depth) is its
// shadowViewMatrix applied to a view-space position (orthographic lenses: w = 1);
// nothing outside a map is shadowed by it. Callers subtract their depth bias first.
// Declared alike in every stage that includes it, as GLSL requires.
uniform struct p3d_LightSourceParameters {
    sampler2DShadow shadowMap;
    mat4 shadowViewMatrix;
} p3d_LightSource[2];

bool off_map(vec3 sc) {
    return sc.x <= 0.0 || sc.x >= 1.0 || sc.y <= 0.0 || sc.y >= 1.0 || sc.z >= 1.0;
}

// The sun's map with four bilinear comparison taps (each a 2x2 PCF in the sampler) 1.5
// texels apart: a soft edge about 3.5 texels wide, like a 3x3 grid of taps at under half
// the cost. texel: 1 / map size.
float sun_shadow_soft(vec3 sc, float texel) {
    if (off_map(sc)) return 1.0;
    float d = 0.75 * texel;
    return 0.25 * (texture(p3d_LightSource[0].shadowMap, vec3(sc.x - d, sc.y - d, sc.z))
                 + texture(p3d_LightSource[0].shadowMap, vec3(sc.x + d, sc.y - d, sc.z))
                 + texture(p3d_LightSource[0].shadowMap, vec3(sc.x - d, sc.y + d, sc.z))
                 + texture(p3d_LightSource[0].shadowMap, vec3(sc.x + d, sc.y + d, sc.z)));
}

// The sun's map, one tap (small figures).
float sun_shadow_tap(vec3 sc) {
    return off_map(sc) ? 1.0 : texture(p3d_LightSource[0].shadowMap, sc);
}

// The moving casters' map, one tap: its texels (1.2 to 12 cm) are finer than the sun's
// (12 cm), so a single 2x2 PCF tap gives an edge soft enough.
float cast_shadow(vec3 sc) {
    return off_map(sc) ? 1.0 : texture(p3d_LightSource[1].shadowMap, sc);
}

// A crowd figure's shadow at view-space point p (already moved off its surface): one tap
// of the sun's map and, in the CASTERS variant, of the moving casters' map.
float figure_shadow(vec3 p) {
    const vec3 BIAS = vec3(0.0, 0.0, 0.0008);
    float s = sun_shadow_tap((p3d_LightSource[0].shadowViewMatrix * vec4(p, 1.0)).xyz - BIAS);
#ifdef CASTERS
    s = min(s, cast_shadow((p3d_LightSource[1].shadowViewMatrix * vec4(p, 1.0)).xyz - BIAS));
#endif
    return s;
}
