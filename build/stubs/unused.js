// Required by the driver at load time but never called (chalk, boxen: imported, unused).
module.exports = {};
