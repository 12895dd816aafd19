#version 330
// A crowd figure painted on its card: capsules for legs, torso, arms and a disc for
// the head, posed by the state's gait (horde_card.vert) and by how side-on the figure is
// to the camera (side-on: full stride and arms reaching ahead; head-on: narrow stride,
// wider torso); a lying figure is painted sprawled as seen from above. Shaded like
// horde.frag (hemisphere + sun, one shadow tap, point lights, fog, tonemap) with a
// cylinder-like normal across an upright card. Variants FX_LIGHTS and NO_SUN_SHADOW as
// horde.frag's.
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"
#include "horde_common.glsl"

uniform struct p3d_LightSourceParameters {
    vec4 color;
    sampler2DShadow shadowMap;
    mat4 shadowViewMatrix;
} p3d_LightSource[1];
uniform mat4 p3d_ViewMatrix;

in vec2 v_uv;
in vec3 v_view_pos;
in vec3 v_world_pos;
flat in vec3 v_right;
flat in vec3 v_toward;
flat in vec4 v_gait;
flat in vec4 v_limbs;
flat in float v_lying;
flat in vec3 v_skin;
flat in vec3 v_top;
flat in vec3 v_shirt;
flat in vec3 v_legs;
flat in vec2 v_fade;
out vec4 o_color;

float seg(vec2 p, vec2 a, vec2 b) {
    vec2 pa = p - a, ba = b - a;
    float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
    return length(pa - ba * h);
}

// The figure's albedo at card point p (metres), or a negative x where the card is empty.
vec3 upright(vec2 uv) {
    float ph = v_gait.x, f = v_gait.y, side = abs(f);
    float dir = f >= 0.0 ? 1.0 : -1.0;
    vec2 p = vec2(uv.x * dir, uv.y);             // x > 0: ahead of the figure
    p.y -= v_gait.w * (abs(cos(ph)) - 0.5);      // bob
    vec2 hip = vec2(0.0, 0.87);
    float lean = v_gait.z * side;
    vec2 shoulder = hip + 0.55 * vec2(sin(lean), cos(lean));
    vec2 neck = hip + 0.66 * vec2(sin(lean + 0.1), cos(lean + 0.1));
    vec2 headc = neck + vec2(0.04 * side, 0.08);
    // legs: thigh swing and knee bend on the back swing, foreshortened head-on
    float sw = v_limbs.z;
    vec2 knee1 = hip + 0.41 * vec2(sin(sw) * side, -cos(sw));
    vec2 knee2 = hip + 0.41 * vec2(-sin(sw) * side, -cos(sw));
    float kb1 = v_limbs.w * max(0.0, -cos(ph)) + 0.15, kb2 = v_limbs.w * max(0.0, cos(ph)) + 0.15;
    vec2 foot1 = knee1 + 0.44 * vec2(sin(sw - kb1) * side, -cos(sw - kb1));
    vec2 foot2 = knee2 + 0.44 * vec2(sin(-sw - kb2) * side, -cos(-sw - kb2));
    float spread = 0.09 * (1.0 - side);          // head-on: two legs side by side
    vec2 o = vec2(spread, 0.0);
    float legs = min(min(seg(p, hip + o, knee1 + o), seg(p, knee1 + o, foot1 + o)),
                     min(seg(p, hip - o, knee2 - o), seg(p, knee2 - o, foot2 - o)));
    // arms: zombies reach forward and a little up, out of step; humans swing them
    vec2 reach1 = 0.5 * vec2(sin(v_limbs.x + lean) * side, -cos(v_limbs.x + lean));
    vec2 reach2 = 0.5 * vec2(sin(v_limbs.y + lean) * side, -cos(v_limbs.y + lean));
    float aw = 0.2 * (1.0 - side);
    vec2 s1 = shoulder + vec2(aw, -0.04), s2 = shoulder - vec2(aw, 0.04);
    float arms = min(seg(p, s1, s1 + reach1 + vec2(aw * 0.3, 0.0)),
                     seg(p, s2, s2 + reach2 - vec2(aw * 0.3, 0.0)));
    float torso = seg(p, hip + vec2(0.0, 0.05), shoulder - vec2(0.0, 0.04));
    float tw = mix(0.19, 0.12, side);
    if (length(p - headc) < 0.115) return v_skin;
    if (torso < tw) return p.y > 1.14 ? v_top : v_shirt;
    if (arms < 0.06) return v_top;  // sleeves (hands are a pixel at this size)
    if (legs < 0.075) return v_legs;
    return vec3(-1.0);
}

// A lying figure seen from above (x across the body / the squash edge-on, y along it,
// hip at 0, head > 0), limbs splayed by v_limbs as horde.vert splays them.
vec3 sprawled(vec2 uv) {
    vec2 p = vec2(uv.x / v_gait.y, uv.y);
    vec2 sh1 = vec2(0.2, 0.52), sh2 = vec2(-0.2, 0.52);
    vec2 hp1 = vec2(0.09, 0.0), hp2 = vec2(-0.09, 0.0);
    float arms = min(seg(p, sh1, sh1 + 0.62 * vec2(sin(v_limbs.x), -cos(v_limbs.x))),
                     seg(p, sh2, sh2 + 0.62 * vec2(-sin(v_limbs.y), -cos(v_limbs.y))));
    float legs = min(seg(p, hp1, hp1 + 0.87 * vec2(sin(v_limbs.z), -cos(v_limbs.z))),
                     seg(p, hp2, hp2 + 0.87 * vec2(-sin(v_limbs.w), -cos(v_limbs.w))));
    if (length(p - vec2(0.0, 0.74)) < 0.115) return v_skin;
    if (seg(p, vec2(0.0, 0.0), vec2(0.0, 0.5)) < 0.19) return p.y > 0.29 ? v_top : v_shirt;
    if (arms < 0.06) return v_top;
    if (legs < 0.075) return v_legs;
    return vec3(-1.0);
}

void main() {
    if (faded_out(v_fade, gl_FragCoord.xy)) discard;
    bool down = v_lying > 0.5;
    vec3 alb = down ? sprawled(v_uv) : upright(v_uv);
    if (alb.x < 0.0) discard;

    vec3 n;
    if (down) {
        n = normalize(v_toward);
    } else { // a cylinder-like normal across the card: lit like the round figure
        float u = clamp(v_uv.x / 0.3, -1.0, 1.0);
        n = normalize(v_right * u * 0.8 + v_toward * sqrt(max(0.0, 1.0 - u * u * 0.64)) + vec3(0.0, 0.0, 0.25));
    }
    float ndl = dot(n, u_sun_dir);
    float direct = clamp(ndl * 0.8 + 0.2, 0.0, 1.0);
    float shadow = 1.0;
#ifndef NO_SUN_SHADOW
    vec3 vn = mat3(p3d_ViewMatrix) * n;
    vec4 sc = p3d_LightSource[0].shadowViewMatrix * vec4(v_view_pos + vn * 0.1, 1.0);
    sc.xyz /= sc.w;
    if (sc.x > 0.0 && sc.x < 1.0 && sc.y > 0.0 && sc.y < 1.0 && sc.z < 1.0)
        shadow = texture(p3d_LightSource[0].shadowMap, vec3(sc.xy, sc.z - 0.0008));
#endif
    float above = smoothstep(-0.02, 0.05, u_sun_dir.z);
    vec3 light = hemisphere(n) + u_sun_color * direct * shadow * above;
#if !defined(FX_LIGHTS) || FX_LIGHTS > 0
    light += fx_point_lights(v_world_pos, n);
#endif
    vec3 c = apply_fog(alb * light, length(v_view_pos));
    o_color = vec4(tonemap(c), 1.0);
}
