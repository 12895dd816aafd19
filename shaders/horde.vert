#version 330
// Instanced running zombie. u_instances holds two texels per agent:
// 2i = (x, y, z, heading radians CCW from +X), 2i+1 = (gait phase radians, tint, 0, 0).
// limb.x = limb id (0 torso, 1 head, 2/3 arm L/R, 4/5 thigh L/R, 6/7 shin L/R),
// limb.y = material id (0 skin, 1 shirt, 2 pants, 3 shoes, 4 hair, 5 jacket).
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform samplerBuffer u_instances;
uniform float u_time;

in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec2 limb;

out vec3 v_world_normal;
out vec3 v_view_pos;
out vec3 v_view_normal;
flat out vec3 v_albedo;

float hash1(float x) { return fract(sin(x * 127.1 + 311.7) * 43758.5453); }

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

vec3 srgb(vec3 c) { return pow(c, vec3(2.2)); }

vec3 material_color(int m, float seed) {
    float h1 = hash1(seed), h2 = hash1(seed + 7.0), h3 = hash1(seed + 13.0);
    if (m == 0) { // greyish, sickly skin
        return srgb(mix(vec3(0.62, 0.60, 0.55), vec3(0.50, 0.52, 0.50), h1));
    }
    if (m == 1) { // shirt: mostly white school shirts, some grey, a few bloodied
        vec3 c = h2 < 0.7 ? vec3(0.86, 0.86, 0.84) : vec3(0.55, 0.56, 0.58);
        if (h3 < 0.25) c = mix(c, vec3(0.45, 0.06, 0.05), 0.45);
        return srgb(c);
    }
    if (m == 2) { // trousers / skirts: navy or charcoal
        return srgb(h1 < 0.55 ? vec3(0.10, 0.12, 0.22) : vec3(0.20, 0.20, 0.22));
    }
    if (m == 3) return srgb(vec3(0.08, 0.08, 0.09));
    if (m == 4) return srgb(vec3(0.05, 0.045, 0.04) + h3 * 0.05);
    // uniform jacket: dark navy blazer, grey cardigan, or shirt-sleeves
    if (h2 < 0.45) return srgb(vec3(0.10, 0.13, 0.24));
    if (h2 < 0.7) return srgb(vec3(0.36, 0.37, 0.40));
    return srgb(h3 < 0.5 ? vec3(0.86, 0.86, 0.84) : vec3(0.55, 0.56, 0.58));
}

void main() {
    int id = gl_InstanceID;
    vec4 a = texelFetch(u_instances, id * 2);
    vec4 b = texelFetch(u_instances, id * 2 + 1);
    float ph = b.x;
    float seed = fract(b.y) * 1000.0 + float(id) * 0.0;
    float r1 = hash1(seed + 3.0), r2 = hash1(seed + 5.0);
    int l = int(limb.x + 0.5);
    int m = int(limb.y + 0.5);
    vec3 p = p3d_Vertex.xyz;
    vec3 n = p3d_Normal;
    const vec3 hip = vec3(0.0, 0.0, 0.87);
    const vec3 knee = vec3(0.0, 0.0, 0.465);
    const vec3 shoulder = vec3(0.0, 0.0, 1.40);
    const vec3 neck = vec3(0.0, 0.0, 1.46);
    float s = sin(ph);

    if (l >= 4) { // legs: thigh swing, knee bend on the back swing
        float side = (l == 4 || l == 6) ? 1.0 : -1.0;
        float sw = side * s * 0.75;
        float kb = 1.1 * max(0.0, -side * cos(ph)) + 0.15;
        if (l >= 6) { p = knee + pitch(p - knee, -kb); n = pitch(n, -kb); }
        p = hip + pitch(p - hip, sw); n = pitch(n, sw);
    } else if (l == 2 || l == 3) { // arms reach forward, jerky, out of step
        float side = l == 2 ? 1.0 : -1.0;
        float jerk = sin(ph * 3.0 + r1 * 6.28) * 0.12 + sin(u_time * 9.0 + r2 * 20.0) * 0.05;
        float aa = 1.25 + r1 * 0.3 - side * s * 0.3 + jerk;
        p = shoulder + pitch(p - shoulder, aa); n = pitch(n, aa);
        p.y -= side * 0.04;
    } else if (l == 1) { // head lolls: slow side tilt and a forward droop
        float tilt = sin(ph * 0.5 + r2 * 6.28) * 0.22 + (r1 - 0.5) * 0.3;
        p = neck + roll(p - neck, tilt); n = roll(n, tilt);
        p = neck + pitch(p - neck, 0.25 + 0.1 * sin(ph * 2.0)); n = pitch(n, 0.25);
    }
    if (l <= 3) { // upper body leans into the run and twists a little
        float lean = 0.32 + 0.05 * sin(ph * 2.0);
        p = hip + pitch(p - hip, lean); n = pitch(n, lean);
        float tw = s * 0.12;
        p = vec3(p.x * cos(tw) - p.y * sin(tw), p.x * sin(tw) + p.y * cos(tw), p.z);
        n = vec3(n.x * cos(tw) - n.y * sin(tw), n.x * sin(tw) + n.y * cos(tw), n.z);
    }
    p.z += 0.06 * abs(cos(ph)) - 0.03;
    p *= 0.92 + 0.16 * r2; // height variety
    float c = cos(a.w), sn = sin(a.w);
    vec4 local = vec4(a.x + c * p.x - sn * p.y, a.y + sn * p.x + c * p.y, a.z + p.z, 1.0);
    vec3 nl = vec3(c * n.x - sn * n.y, sn * n.x + c * n.y, n.z);

    vec4 view = p3d_ModelViewMatrix * local;
    gl_Position = p3d_ProjectionMatrix * view;
    v_view_pos = view.xyz;
    v_view_normal = mat3(p3d_ModelViewMatrix) * nl;
    v_world_normal = mat3(p3d_ModelMatrix) * nl;
    vec3 alb = material_color(m, seed);
    if (b.y >= 1.0) alb = mix(alb, srgb(vec3(0.8, 0.15, 0.1)), 0.6);
    v_albedo = alb;
}
