#version 330
// The far level of detail: one camera-facing card (2 triangles) per agent, the figure
// painted procedurally by horde_card.frag in its state's gait (horde_common.glsl's
// `gait`, as the figures). Same per-instance texels as horde.vert. A lying agent's card
// lies along its body on the ground, turned about that axis toward the camera: from
// above it shows the sprawled figure, from the side a body's thickness.
// The card turns about the vertical toward the camera and tilts to face it; its height
// is what an upright figure projects from that elevation (body height times cos, plus
// the shoulders' depth times sin), so a crowd seen from above does not vanish edge-on.
// An upright card spans only its posed figure's bounds (`figure_box`): its fragments are
// the far horde's main cost, and a stride or a reach fills a fixed card by half.
// p3d_Vertex.xz = card corner (x -0.5..0.5 across, z 0..1 up), p3d_Vertex.y = the card's
// slot in its instance (sandbox/view/horde.py's CARDS_PER_INSTANCE): agent
// gl_InstanceID * CARDS_PER_INSTANCE + slot.
// The figure is a few pixels across, so it is lit here, per card: the light for a
// cylinder-like normal across an upright card (the figure's round body), sampled at its
// left edge, middle and right edge and handed on as a quadratic in the across
// coordinate; the sun's shadow taps and the fog per corner, interpolated. The fragment
// shader then only finds the figure and mixes: on a software rasteriser the far horde's
// cost is its cards' fragments, and lighting each of them took about half of it.
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ModelViewMatrixInverse;
uniform mat4 p3d_ProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrix;
uniform samplerBuffer u_instances;
uniform float u_time;
uniform float u_count;      // cards in this draw: the last instance's spare slots draw nothing

in vec4 p3d_Vertex;

#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"
#include "horde_common.glsl"
#ifndef NO_SUN_SHADOW
#include "shadows.glsl"
#endif

// lying card: along the body from the feet (-LIE_FEET) to the top of the head (LIE_HEAD)
// about the hip; across, the arms' splay (LIE_W) seen from above, a body's depth edge-on
const float LIE_FEET = 0.95, LIE_HEAD = 1.0, LIE_W = 1.35, LIE_DEPTH = 0.32;

out vec2 v_uv;              // metres on the figure: x across (toward its heading > 0), y up;
                            // lying: x across the body, y along it (hip 0, head > 0)
flat out vec3 v_open[3];    // unshadowed light (ambient, point lights) as c0 + u (c1 + u c2),
flat out vec3 v_sun[3];     // and the sun's, for u = across / 0.3 m in -1..1 (lying: c0 alone)
out float v_shadow;         // the sun's shadow maps (1 lit)
out float v_fog;            // fog factor: 1 clear
// The figure's skeleton in card metres, posed here once per vertex so the fragment
// shader only measures distances (each bone a capsule: the skeleton functions write
// (start.xy, end.xy), main hands on (start.xy, end.xy - start.xy)):
flat out vec4 v_bones[7];   // torso, arm 1, arm 2, thigh 1, shin 1, thigh 2, shin 2
flat out vec4 v_inv[2];     // 1 / |end - start|^2 of bone i at [i / 4][i % 4]
flat out vec2 v_head;       // head centre
flat out vec4 v_frame;      // (x scale, y shift) from v_uv to the skeleton's frame,
                            // torso half-width, height above which the torso is jacket
flat out vec3 v_skin;
flat out vec3 v_top;      // jacket
flat out vec3 v_shirt;
flat out vec3 v_legs;
flat out vec2 v_fade;

// Upright: hip at (0, 0.87), x > 0 ahead of the figure; `facing` -1..1 (side-on at +-1:
// full stride, arms reaching ahead; head-on at 0: legs side by side, a wider torso);
// `limbs` = (arm angle 1, arm angle 2, thigh swing, knee bend amplitude), radians.
void upright_skeleton(float ph, float facing, float lean_amp, float bob, vec4 limbs) {
    float side = abs(facing);
    vec2 hip = vec2(0.0, 0.87);
    float lean = lean_amp * side;
    vec2 shoulder = hip + 0.55 * vec2(sin(lean), cos(lean));
    vec2 neck = hip + 0.66 * vec2(sin(lean + 0.1), cos(lean + 0.1));
    v_head = neck + vec2(0.04 * side, 0.08);
    // legs: thigh swing and knee bend on the back swing, foreshortened head-on
    float sw = limbs.z;
    vec2 knee1 = hip + 0.41 * vec2(sin(sw) * side, -cos(sw));
    vec2 knee2 = hip + 0.41 * vec2(-sin(sw) * side, -cos(sw));
    float kb1 = limbs.w * max(0.0, -cos(ph)) + 0.15, kb2 = limbs.w * max(0.0, cos(ph)) + 0.15;
    vec2 foot1 = knee1 + 0.44 * vec2(sin(sw - kb1) * side, -cos(sw - kb1));
    vec2 foot2 = knee2 + 0.44 * vec2(sin(-sw - kb2) * side, -cos(-sw - kb2));
    vec2 o = vec2(0.09 * (1.0 - side), 0.0);   // head-on: two legs side by side
    v_bones[3] = vec4(hip + o, knee1 + o);
    v_bones[4] = vec4(knee1 + o, foot1 + o);
    v_bones[5] = vec4(hip - o, knee2 - o);
    v_bones[6] = vec4(knee2 - o, foot2 - o);
    // arms: zombies reach forward and a little up, out of step; humans swing them
    vec2 reach1 = 0.5 * vec2(sin(limbs.x + lean) * side, -cos(limbs.x + lean));
    vec2 reach2 = 0.5 * vec2(sin(limbs.y + lean) * side, -cos(limbs.y + lean));
    float aw = 0.2 * (1.0 - side);
    vec2 s1 = shoulder + vec2(aw, -0.04), s2 = shoulder - vec2(aw, 0.04);
    v_bones[1] = vec4(s1, s1 + reach1 + vec2(aw * 0.3, 0.0));
    v_bones[2] = vec4(s2, s2 + reach2 - vec2(aw * 0.3, 0.0));
    v_bones[0] = vec4(hip + vec2(0.0, 0.05), shoulder - vec2(0.0, 0.04));
    v_frame = vec4(facing >= 0.0 ? 1.0 : -1.0, bob * (abs(cos(ph)) - 0.5),
                   mix(0.19, 0.12, side), 1.14);
}

// Lying, seen from above (x across the body, y along it, hip at 0, head > 0), limbs
// splayed by `limbs` (arm L, R, leg L, R, radians) as horde.vert splays them; `squash`
// narrows x as the body turns edge-on. A leg is one bone, given twice.
void sprawled_skeleton(float squash, vec4 limbs) {
    vec2 sh1 = vec2(0.2, 0.52), sh2 = vec2(-0.2, 0.52);
    vec2 hp1 = vec2(0.09, 0.0), hp2 = vec2(-0.09, 0.0);
    v_bones[0] = vec4(0.0, 0.0, 0.0, 0.5);
    v_bones[1] = vec4(sh1, sh1 + 0.62 * vec2(sin(limbs.x), -cos(limbs.x)));
    v_bones[2] = vec4(sh2, sh2 + 0.62 * vec2(-sin(limbs.y), -cos(limbs.y)));
    v_bones[3] = v_bones[4] = vec4(hp1, hp1 + 0.87 * vec2(sin(limbs.z), -cos(limbs.z)));
    v_bones[5] = v_bones[6] = vec4(hp2, hp2 + 0.87 * vec2(-sin(limbs.w), -cos(limbs.w)));
    v_head = vec2(0.0, 0.74);
    v_frame = vec4(1.0 / squash, 0.0, 0.19, 0.29);
}

// The upright figure's bounds on its card (x0, y0, x1, y1, metres in v_uv): its bones
// and head, each grown by its radius, through v_frame's mirror and bob.
vec4 figure_box() {
    vec2 lo = v_head - CARD_HEAD_R, hi = v_head + CARD_HEAD_R;
    for (int i = 0; i < 7; i++) {
        float r = i == 0 ? v_frame.z : i < 3 ? CARD_ARM_R : CARD_LEG_R;
        lo = min(lo, min(v_bones[i].xy, v_bones[i].zw) - r);
        hi = max(hi, max(v_bones[i].xy, v_bones[i].zw) + r);
    }
    vec2 a = vec2(lo.x * v_frame.x, lo.y + v_frame.y), b = vec2(hi.x * v_frame.x, hi.y + v_frame.y);
    return vec4(min(a, b), max(a, b));
}

// The light on the figure for world normal n at its centre: `open` the hemisphere ambient
// and the point lights, `sun` the sun's direct light (before its shadow).
void light_for(vec3 n, vec3 centre, out vec3 open, out vec3 sun) {
    open = hemisphere(n);
#if !defined(FX_LIGHTS) || FX_LIGHTS > 0
    open += fx_point_lights(centre, n);
#endif
    float direct = clamp(dot(n, u_sun_dir) * 0.8 + 0.2, 0.0, 1.0);  // a little wrap
    sun = u_sun_color * direct * smoothstep(-0.02, 0.05, u_sun_dir.z);
}

// The light at u = -1, 0, 1 (normals n0, n1, n2) as the quadratic through them.
void light_across(vec3 n0, vec3 n1, vec3 n2, vec3 centre) {
    vec3 o0, o1, o2, s0, s1, s2;
    light_for(n0, centre, o0, s0);
    light_for(n1, centre, o1, s1);
    light_for(n2, centre, o2, s2);
    v_open = vec3[3](o1, 0.5 * (o2 - o0), 0.5 * (o2 + o0) - o1);
    v_sun = vec3[3](s1, 0.5 * (s2 - s0), 0.5 * (s2 + s0) - s1);
}

void main() {
    int id = gl_InstanceID * CARDS_PER_INSTANCE + int(p3d_Vertex.y + 0.5);
    if (id >= int(u_count)) {   // beyond the near plane: the clipper drops it
        gl_Position = vec4(0.0, 0.0, -2.0, 1.0);
        return;
    }
    vec4 a = texelFetch(u_instances, id * 3);
    vec4 b = texelFetch(u_instances, id * 3 + 1);
    vec4 c3 = texelFetch(u_instances, id * 3 + 2);
    int st = int(c3.x + 0.5), kind = int(c3.y + 0.5);
    float ph = b.x, t = u_time;
    float seed = fract(b.y) * 1000.0;
    float r1 = hash1(seed + 3.0), r2 = hash1(seed + 5.0);
    float scale = 0.92 + 0.16 * r2;

    vec3 cam = (p3d_ModelViewMatrixInverse * vec4(0.0, 0.0, 0.0, 1.0)).xyz;
    vec3 base = a.xyz;
    vec3 to = cam - (base + vec3(0.0, 0.0, 0.9));
    float dist = length(to);
    vec3 to3 = to / max(dist, 1e-4);
    vec2 th = to.xy;
    th = dot(th, th) > 1e-8 ? normalize(th) : vec2(0.0, -1.0);
    vec3 right = vec3(-th.y, th.x, 0.0);          // cross(up, toward)
    vec3 p, n_left, n_mid, n_right;   // the body's normal at the card's left, middle, right
    mat3 to_world = mat3(p3d_ModelMatrix);
    vec3 centre = (p3d_ModelMatrix * vec4(base + vec3(0.0, 0.0, 0.9), 1.0)).xyz;
    if (lying(st)) {
        vec2 lp = lying_pose(st, r1, r2);
        float hd = a.w + lp.y;
        vec3 along = -lp.x * vec3(cos(hd), sin(hd), 0.0);   // hip toward the head
        vec3 perp = vec3(-along.y, along.x, 0.0);
        vec3 nrm = to3 - dot(to3, along) * along;
        nrm = dot(nrm, nrm) > 1e-8 ? normalize(nrm) : vec3(0.0, 0.0, 1.0);
        vec3 across = normalize(cross(nrm, along));
        float squash = abs(dot(across, perp));             // 1 from above, 0 edge-on
        float w = max(LIE_W * squash, LIE_DEPTH);
        float u = p3d_Vertex.x * w, v = mix(-LIE_FEET, LIE_HEAD, p3d_Vertex.z);
        p = base + vec3(0.0, 0.0, 0.125) * scale + (across * u + along * v) * scale;
        v_uv = vec2(u * sign(dot(across, perp) + 1e-6), v);
        n_mid = n_left = n_right = to_world * nrm;
        bool thrash = st == ST_KNOCKED;
        vec2 hs = vec2(hash1(seed + 12.0), hash1(seed + 10.0));   // left, right (horde.vert)
        vec2 w1 = sin(t * 5.3 + vec2(1.7, -1.7) + r1 * 6.28);
        vec4 limbs = thrash ? vec4(0.9 + 0.7 * w1, 0.25 + 0.2 * w1)
                            : vec4(0.3 + 1.6 * hs, 0.08 + 0.3 * hs);
        sprawled_skeleton(max(squash, 0.5), limbs);  // edge-on: the body's depth
    } else {
        vec3 up = normalize(cross(to3, right));
        float sin_e = clamp(to3.z, 0.0, 1.0);
        float cos_e = sqrt(1.0 - sin_e * sin_e);
        float h = scale * (cos_e + 0.28 * sin_e);     // world metres per card metre up
        vec2 head = vec2(cos(a.w), sin(a.w));
        float facing = dot(head, right.xy);           // +1: running toward screen right
        Gait g = gait(st, kind, ph, t, r1, r2);
        float s = sin(ph);
        float jerk = g.jerk * (sin(ph * 3.0 + r1 * 6.28) + 0.4 * sin(t * 9.0 + r2 * 20.0));
        upright_skeleton(ph, facing, g.lean, g.bob,
                         vec4(g.arm - s * g.arm_swing + jerk, g.arm + s * g.arm_swing + jerk,
                              s * g.stride + g.stance, g.knee));
        vec4 box = figure_box();   // card metres: the card spans the posed figure alone
        v_uv = mix(box.xy, box.zw, vec2(p3d_Vertex.x + 0.5, p3d_Vertex.z));
        p = base + right * (v_uv.x * scale) + up * (v_uv.y * h);
        // across the card: n(u) = 0.8 u right + sqrt(1 - 0.64 u^2) toward + 0.25 up
        vec3 r = to_world * right, tw = to_world * vec3(th, 0.0), lift = vec3(0.0, 0.0, 0.25);
        n_left = normalize(-0.8 * r + 0.6 * tw + lift);
        n_mid = normalize(tw + lift);
        n_right = normalize(0.8 * r + 0.6 * tw + lift);
    }
    for (int i = 0; i < 7; i++) {   // the fragment shader's form of the bones
        vec2 ba = v_bones[i].zw - v_bones[i].xy;
        v_bones[i].zw = ba;
        v_inv[i / 4][i % 4] = 1.0 / max(dot(ba, ba), 1e-8);
    }
    light_across(n_left, n_mid, n_right, centre);   // once: both branches run on llvmpipe

    vec4 view = p3d_ModelViewMatrix * vec4(p, 1.0);
    gl_Position = p3d_ProjectionMatrix * view;
    v_fog = clamp(exp(-u_fog_density * length(view.xyz)), 0.0, 1.0);
    v_shadow = 1.0;
#ifndef NO_SUN_SHADOW
    v_shadow = figure_shadow(view.xyz + mat3(p3d_ViewMatrix) * n_mid * 0.1);
#endif
    v_skin = kind == KIND_HUMAN ? human_skin(seed) : material_color(0, seed);
    v_top = material_color(5, seed);
    v_shirt = material_color(1, seed);
    v_legs = material_color(2, seed);
    if (b.y >= 1.0) {
        vec3 red = srgb(vec3(0.8, 0.15, 0.1));
        v_skin = mix(v_skin, red, 0.6); v_top = mix(v_top, red, 0.6); v_shirt = mix(v_shirt, red, 0.6); v_legs = mix(v_legs, red, 0.6);
    }
    v_fade = b.zw;
}
