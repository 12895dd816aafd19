#version 330
// Instanced crowd figure. u_instances holds three texels per agent:
// 3i = (x, y, z, heading radians CCW from +X), 3i+1 = (gait phase radians, tint, fade,
// fade side), 3i+2 = (behaviour state, kind, 0, 0) -- see horde_common.glsl. The same
// shader animates the full figure and the 19-triangle middle figure (same limb ids and
// pivots): shamble, sprint, attack lunge, human walk (with the bitten's shudder), and
// lying on the ground (thrashing when knocked, still when dead). The meshes share each
// corner between the faces that meet there (a box is 8 vertices, not 36: llvmpipe runs
// this shader on one thread, once per distinct index of an instance) and carry no
// normals: horde.frag takes the face normal from the slope of the position.
// limb.x = limb id (0 torso, 1 head, 2/3 arm L/R, 4/5 thigh L/R, 6/7 shin L/R),
// limb.y = material id (0 skin, 1 shirt, 2 pants, 3 shoes, 4 hair, 5 jacket).
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform samplerBuffer u_instances;
uniform float u_first;      // the draw's first instance in u_instances (sandbox/view/horde.py)
uniform float u_time;

in vec4 p3d_Vertex;
in vec2 limb;
#include "horde_common.glsl"

out vec3 v_world_pos;
out vec3 v_view_pos;
#ifdef TWO_SIDED
smooth out vec3 v_albedo;  // middle level: jacket over shirt, hair over skin as gradients
#else
flat out vec3 v_albedo;
#endif
flat out vec2 v_fade;


// rotate d (relative to a pivot) in the x-z plane: positive a swings -z toward +x
vec3 pitch(vec3 d, float a) {
    float c = cos(a), s = sin(a);
    return vec3(d.x * c - d.z * s, d.y, d.x * s + d.z * c);
}
// rotate in the y-z plane (side tilt)
vec3 roll(vec3 d, float a) {
    float c = cos(a), s = sin(a);
    return vec3(d.x, d.y * c - d.z * s, d.y * s + d.z * c);
}

void main() {
    int id = gl_InstanceID + int(u_first);
    vec4 a = texelFetch(u_instances, id * 3);
    vec4 b = texelFetch(u_instances, id * 3 + 1);
    vec4 c3 = texelFetch(u_instances, id * 3 + 2);
    int st = int(c3.x + 0.5), kind = int(c3.y + 0.5);
    float ph = b.x, t = u_time;
    float seed = fract(b.y) * 1000.0;
    float r1 = hash1(seed + 3.0), r2 = hash1(seed + 5.0);
    int l = int(limb.x + 0.5);
    int m = int(limb.y + 0.5);
    vec3 p = p3d_Vertex.xyz;
    const vec3 hip = vec3(0.0, 0.0, 0.87);
    const vec3 knee = vec3(0.0, 0.0, 0.465);
    const vec3 shoulder = vec3(0.0, 0.0, 1.40);
    const vec3 neck = vec3(0.0, 0.0, 1.46);
    float s = sin(ph);
    bool down = lying(st);
    bool human = upright_human(st, kind);
    float side = (l == 2 || l == 4 || l == 6) ? 1.0 : -1.0;   // left limbs +1
    float heading = a.w;

    if (down) {
        // posed upright, then laid flat about the hip: limbs splayed in the body's plane
        bool thrash = st == ST_KNOCKED;
        float hs = hash1(seed + 11.0 + side);
        vec2 lp = lying_pose(st, r1, r2);
        float w1 = sin(t * 5.3 + side * 1.7 + r1 * 6.28), w2 = sin(t * 3.1 + side + r2 * 6.28);
        if (l >= 4) {
            float spread = thrash ? 0.25 + 0.2 * w1 : 0.08 + 0.3 * hs;
            float kick = thrash ? 0.7 * max(0.0, w2) : 0.0;
            float kb = thrash ? 1.3 * max(0.0, w2) : 0.25 * hs;
            if (l >= 6) p = knee + pitch(p - knee, -kb);
            p = hip + pitch(p - hip, kick);
            p = hip + roll(p - hip, side * spread);
        } else if (l == 2 || l == 3) {
            float splay = thrash ? 0.9 + 0.7 * w1 : 0.3 + 1.6 * hs;
            float reach = thrash ? 1.2 * max(0.0, w2) : 0.0;
            p = shoulder + pitch(p - shoulder, reach);
            p = shoulder + roll(p - shoulder, side * splay);
        } else if (l == 1) {
            float turn = thrash ? 0.4 * sin(t * 4.1 + r2 * 6.28) : (r1 - 0.5) * 1.4;
            p = neck + roll(p - neck, turn);
        }
        if (l <= 3 && thrash) { // trying to sit up: the torso lifts off the ground and drops
            float su = 0.7 * pow(max(0.0, sin(t * 1.9 + r2 * 6.28)), 2.0);
            p = hip + pitch(p - hip, su);
        }
        float fall = lp.x * 1.5707963;
        p = pitch(p - hip, fall);
        p.z += 0.125;   // the torso's half depth: the back (or front) rests on the ground
        heading += lp.y;
    } else {
        Gait g = gait(st, kind, ph, t, r1, r2);
        if (l >= 4) { // legs: thigh swing, knee bend on the back swing
            float sw = side * (s * g.stride + g.stance);
            float kb = g.knee * max(0.0, -side * cos(ph)) + 0.15;
            if (l >= 6) p = knee + pitch(p - knee, -kb);
            p = hip + pitch(p - hip, sw);
        } else if (l == 2 || l == 3) { // arms: zombies reach forward, jerky, out of step
            float jerk = g.jerk * (sin(ph * 3.0 + r1 * 6.28) + 0.4 * sin(t * 9.0 + r2 * 20.0 + side));
            float aa = g.arm - side * s * g.arm_swing + jerk;
            p = shoulder + pitch(p - shoulder, aa);
            if (!human) p.y -= side * 0.04;
        } else if (l == 1) { // head: zombies loll (slow side tilt, forward droop)
            float tilt = human ? 0.0 : sin(ph * 0.5 + r2 * 6.28) * 0.22 + (r1 - 0.5) * 0.3;
            float droop = human ? 0.05 : 0.25 + 0.1 * sin(ph * 2.0);
            if (st == ST_TURNING) tilt += 0.5 * sin(t * 23.0 + r1 * 9.0) * step(0.3, sin(t * 2.3 + r2 * 6.28));
            p = neck + roll(p - neck, tilt);
            p = neck + pitch(p - neck, droop);
        }
        if (l <= 3) { // upper body leans into the gait and twists a little
            p = hip + pitch(p - hip, g.lean);
            float tw = s * (human ? 0.06 : 0.12);
            p = vec3(p.x * cos(tw) - p.y * sin(tw), p.x * sin(tw) + p.y * cos(tw), p.z);
        }
        p.z += g.bob * (abs(cos(ph)) - 0.5);
        if (st == ST_TURNING) { // the bitten convulse: bursts of a whole-body shudder
            float burst = step(0.3, sin(t * 2.3 + r2 * 6.28));
            p.xy += burst * 0.03 * vec2(sin(t * 53.0 + r1 * 40.0), sin(t * 61.0 + r2 * 40.0)) * (p.z / 1.7);
        }
    }
    p *= 0.92 + 0.16 * r2; // height variety
    float c = cos(heading), sn = sin(heading);
    vec4 local = vec4(a.x + c * p.x - sn * p.y, a.y + sn * p.x + c * p.y, a.z + p.z, 1.0);

    vec4 view = p3d_ModelViewMatrix * local;
    gl_Position = p3d_ProjectionMatrix * view;
    v_view_pos = view.xyz;
    v_world_pos = (p3d_ModelMatrix * local).xyz;
    vec3 alb = material_color(m, seed);
    if (m == 0 && kind == KIND_HUMAN) alb = human_skin(seed);
    if (b.y >= 1.0) alb = mix(alb, srgb(vec3(0.8, 0.15, 0.1)), 0.6);
#ifdef TWO_SIDED
    v_albedo = pow(alb, vec3(1.0 / 2.2)); // interpolate display-referred: a gradient from
#else                                     // jacket to shirt averages like the two boxes
    v_albedo = alb;
#endif
    v_fade = b.zw;
}
